"""nbgrader's settings for the course (docs/TEACHING.md, "Grading with nbgrader").

A course folder holds this file, as nbgrader_config.py, next to source/: `make course COURSE=DIR`
(python -m rnn_lib.grading --course DIR) copies it there. nbgrader reads it from the folder it runs in.
"""

c = get_config()  # noqa: F821 -- nbgrader defines get_config when it loads this file

c.CourseDirectory.course_id = "rnns-from-scratch"

# A solution region becomes the same stub as in `make student`'s versions. Every notebook's setup
# cell imports NotWritten, and the checks report it as "⏳ not written yet" (0 points).
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotWritten()"}

# nbgrader stops a cell after 30 s by default; notebook 04 trains for about half a minute in one cell.
c.Execute.timeout = 300
