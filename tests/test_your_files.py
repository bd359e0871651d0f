"""Reading your own labelled phrases: both formats, every label spelling, and one clear error per bad file."""

import json

import pytest

import rnn_lib
from rnn_lib.data.your_files import DataFileError, check_train_test, normalise_text, read_labelled_phrases


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def error(path, *args):
    """The message of the DataFileError reading ``path`` raises (checked to be one line)."""
    with pytest.raises(DataFileError) as info:
        read_labelled_phrases(path, *args)
    message = str(info.value)
    assert "\n" not in message
    assert isinstance(info.value, ValueError)
    return message


# ---- good files -------------------------------------------------------------------------------
def test_csv_with_every_label_spelling_and_normalised_text(tmp_path):
    path = write(tmp_path, "mine.csv", 'text,label\nI am  Glad ,Positive\n"well, not glad",negative\n'
                 "so happy,TRUE\nso sad,false\nfine,1\nawful,0\n\n")
    data = read_labelled_phrases(path)
    assert data == {"i am glad": True, "well, not glad": False, "so happy": True, "so sad": False,
                    "fine": True, "awful": False}
    assert list(data) == ["i am glad", "well, not glad", "so happy", "so sad", "fine", "awful"]
    assert data.where["so sad"] == "line 5" and data.path == path


def test_csv_columns_in_any_order_other_columns_ignored_and_a_bom(tmp_path):
    path = write(tmp_path, "sheet.csv", "\ufeffid,Label,Text\n7,1,i am glad\n8,0,i am cross\n")
    assert read_labelled_phrases(path) == {"i am glad": True, "i am cross": False}


def test_json_with_booleans_numbers_and_words(tmp_path):
    path = write(tmp_path, "mine.json", json.dumps({"I am glad": True, "i am cross": 0, "so-so": "Negative",
                                                    "fine": "1"}))
    data = read_labelled_phrases(path)
    assert data == {"i am glad": True, "i am cross": False, "so-so": False, "fine": True}
    assert data.where["i am glad"] == "key 'I am glad'"


def test_a_repeated_phrase_with_the_same_label_is_kept_once(tmp_path):
    path = write(tmp_path, "rep.csv", "text,label\ni am glad,1\nI AM GLAD,true\n")
    assert read_labelled_phrases(path) == {"i am glad": True}


def test_the_courses_data_round_trips_through_both_formats(tmp_path):
    rows = "".join(f"{t},{'positive' if v else 'negative'}\n" for t, v in rnn_lib.train_data.items())
    csv_path = write(tmp_path, "train.csv", "text,label\n" + rows)
    json_path = write(tmp_path, "test.json", json.dumps(dict(rnn_lib.test_data)))
    train, test = read_labelled_phrases(csv_path), read_labelled_phrases(json_path)
    assert train == dict(rnn_lib.train_data) and test == dict(rnn_lib.test_data)
    vocab = check_train_test(train, test)
    assert vocab == rnn_lib.Vocabulary.from_texts(rnn_lib.train_data)


def test_normalise_text_reads_like_the_vocabulary():
    assert normalise_text("  I\tam   HAPPY ") == "i am happy"


# ---- bad files: one line naming the file, the place and what was wrong ----------------------
BAD = [
    ("nothing.csv", None, "nothing.csv: no such file"),
    ("notes.txt", "text,label\n", "notes.txt: unknown file type '.txt': give a .csv file (columns text,label) "
                                  'or a .json file ({"text": label, ...})'),
    ("latin1.csv", "text,label\ni am glad,1\ncaf\u00e9,0\n".encode("latin-1"),
     "latin1.csv: line 3: not UTF-8 text (byte 0xe9): save the file as UTF-8"),
    ("empty.csv", "", "empty.csv: the file is empty: it needs a header line text,label and phrases"),
    ("header.csv", "text,label\n", "header.csv: no phrases: the file has a header but no lines after it"),
    ("nolabel.csv", "text,sentiment\ni am glad,1\n",
     "nolabel.csv: line 1: no 'label' column: the header must name the columns text,label "
     "(found: text,sentiment)"),
    ("notext.csv", "phrase,label\ni am glad,1\n",
     "notext.csv: line 1: no 'text' column: the header must name the columns text,label (found: phrase,label)"),
    ("short.csv", "text,label\ni am glad,1\ni am cross\n",
     "short.csv: line 3: 1 field, expected 2 (text,label); quote a text that contains a comma"),
    ("blank.csv", "text,label\ni am glad,1\n  ,0\n", "blank.csv: line 3: empty text"),
    ("label.csv", "text,label\ni am glad,1\ni am cross,maybe\n",
     "label.csv: line 3: unknown label 'maybe': labels are true/false, 1/0 or positive/negative"),
    ("twice.csv", "text,label\ni am glad,1\ni am cross,0\nI am  glad,negative\n",
     "twice.csv: line 2 and line 4: 'i am glad' has two labels (positive at line 2, negative at line 4)"),
    ("empty.json", "  \n", 'empty.json: the file is empty: it needs an object {"text": label, ...}'),
    ("nothing.json", "{}", 'nothing.json: no phrases: the object is empty; write {"text": label, ...}'),
    ("list.json", '[["i am glad", 1]]', 'list.json: expected one JSON object {"text": label, ...}, got an array'),
    ("broken.json", '{"i am glad": 1,\n "i am cross" 0}',
     "broken.json: line 2: not valid JSON (Expecting ':' delimiter, column 15)"),
    ("blank.json", '{"i am glad": 1, " ": 0}', "blank.json: key ' ': empty text"),
    ("label.json", '{"i am glad": 1, "i am cross": "bad"}',
     "label.json: key 'i am cross': unknown label \"bad\": labels are true/false, 1/0 or positive/negative"),
    ("two.json", '{"i am glad": 2}',
     "two.json: key 'i am glad': unknown label 2: labels are true/false, 1/0 or positive/negative"),
    ("nested.json", '{"i am glad": {"label": 1}}',
     "nested.json: key 'i am glad': unknown label (an object): labels are true/false, 1/0 or positive/negative"),
    ("twice.json", '{"i am glad": true, "I am glad": false}',
     "twice.json: key 'i am glad' and key 'I am glad': 'i am glad' has two labels "
     "(positive at key 'i am glad', negative at key 'I am glad')"),
    ("same.json", '{"i am glad": true, "i am glad": false}',
     "same.json: key 'i am glad' and key 'i am glad': 'i am glad' has two labels "
     "(positive at key 'i am glad', negative at key 'i am glad')"),
]


@pytest.mark.parametrize("name, content, message", BAD, ids=[b[0] for b in BAD])
def test_every_bad_file_gets_its_one_line_message(tmp_path, name, content, message):
    path = tmp_path / name if content is None else write(tmp_path, name, content)
    assert error(path) == f"{tmp_path}/{message}"


def test_a_directory_is_not_a_data_file(tmp_path):
    (tmp_path / "d.csv").mkdir()
    assert error(tmp_path / "d.csv") == f"{tmp_path}/d.csv: is a directory, not a data file"


# ---- a training file and a test file together ------------------------------------------------
def test_a_phrase_in_both_files_names_both_files_and_lines(tmp_path):
    train = read_labelled_phrases(write(tmp_path, "train.csv", "text,label\ni am glad,1\ni am cross,0\n"))
    test = read_labelled_phrases(write(tmp_path, "test.json", '{"I am cross": false}'))
    with pytest.raises(DataFileError) as info:
        check_train_test(train, test)
    assert str(info.value) == (f"'i am cross' is in both {tmp_path}/train.csv (line 3) and "
                               f"{tmp_path}/test.json (key 'I am cross'): a test phrase must be new")


def test_test_words_outside_the_training_vocabulary_are_named(tmp_path):
    train = read_labelled_phrases(write(tmp_path, "train.csv", "text,label\ni am glad,1\ni am cross,0\n"))
    test = read_labelled_phrases(write(tmp_path, "test.csv", "text,label\ni am glad and calm,1\n"))
    with pytest.raises(DataFileError) as info:
        check_train_test(train, test)
    assert str(info.value) == (f"{tmp_path}/test.csv (line 2): 'i am glad and calm' has words 'and', 'calm' "
                               f"not in the vocabulary of {tmp_path}/train.csv (4 words: am cross glad i)")


def test_plain_dicts_are_named_by_the_names_given():
    with pytest.raises(DataFileError, match="^'good' is in both the training data and my test set: "):
        check_train_test({"good": True}, {"Good": True}, test_name="my test set")
    with pytest.raises(DataFileError, match=r"^the test data: 'bad' has word 'bad' not in the vocabulary "
                                            r"of the training data \(1 words: good\)$"):
        check_train_test({"good": True}, {"bad": False})


def test_a_large_vocabulary_is_counted_not_listed():
    train = {f"w{i}": bool(i % 2) for i in range(40)}
    with pytest.raises(DataFileError, match=r"\(40 words\)$"):
        check_train_test(train, {"unseen": True})


# ---- unbounded or unusual input: limits, one line each, the same for both formats ---------------
from rnn_lib.data.your_files import MAX_FILE_BYTES, MAX_PHRASE_CHARS, MAX_PHRASES  # noqa: E402


def test_deeply_nested_json_is_one_line_not_a_recursion_error(tmp_path):
    message = error(write(tmp_path, "deep.json", "[" * 100000))
    assert "nested" in message and len(message) < 300


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_a_file_larger_than_the_limit_is_refused_before_reading(tmp_path, suffix):
    path = tmp_path / f"big{suffix}"
    with open(path, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
    message = error(path)
    assert "larger than" in message and f"{MAX_FILE_BYTES:,}" in message


@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
def test_what_is_not_a_regular_file_is_refused_before_opening(tmp_path, kind):
    import os
    if kind == "fifo":
        path = tmp_path / "pipe.csv"
        os.mkfifo(path)  # opening it for reading would wait for a writer for ever
    elif kind == "device":
        path = tmp_path / "zero.csv"
        os.symlink("/dev/zero", path)  # would read until memory runs out
    else:
        path = tmp_path / "folder.csv"
        path.mkdir()
    message = error(path)
    assert "not a regular file" in message or "is a directory" in message


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_a_phrase_longer_than_the_limit_is_refused_in_both_formats(tmp_path, suffix):
    long = "a" * 1_000_000
    content = f"text,label\nfine,1\n{long},0\n" if suffix == ".csv" else json.dumps({"fine": 1, long: 0})
    message = error(write(tmp_path, f"long{suffix}", content))
    assert f"longer than {MAX_PHRASE_CHARS:,} characters" in message and len(message) < 300


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_more_phrases_than_the_limit_are_refused_in_both_formats(tmp_path, suffix):
    n = MAX_PHRASES + 1
    if suffix == ".csv":
        content = "text,label\n" + "".join(f"w{i},1\n" for i in range(n))
    else:
        content = json.dumps({f"w{i}": 1 for i in range(n)})
    message = error(write(tmp_path, f"many{suffix}", content))
    assert f"more than {MAX_PHRASES:,} phrases" in message


def test_a_huge_label_or_header_is_shown_shortened(tmp_path):
    assert len(error(write(tmp_path, "lab.csv", "text,label\nfine," + "x" * 100000 + "\n"))) < 300
    assert len(error(write(tmp_path, "head.csv", "text," + "y" * 100000 + "\nfine,1\n"))) < 300


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f"])
@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_a_control_character_in_a_phrase_is_refused_with_where(tmp_path, char, suffix):
    content = (f"text,label\nfine,1\ni am{char}glad,1\n" if suffix == ".csv"
               else json.dumps({"fine": 1, f"i am{char}glad": 1}))
    message = error(write(tmp_path, f"ctl{suffix}", content))
    assert "control character" in message and f"U+{ord(char):04X}" in message
    assert ("line 3" if suffix == ".csv" else "key ") in message


def test_tabs_and_line_breaks_in_a_phrase_are_still_spaces(tmp_path):
    path = write(tmp_path, "ws.csv", 'text,label\ni\tam glad,1\n"so\nsad",0\n')
    assert read_labelled_phrases(path) == {"i am glad": True, "so sad": False}


@pytest.mark.parametrize("header", ["text,label,text", "text,label,Label ", "id,text,label,id"])
def test_duplicate_column_names_are_refused(tmp_path, header):
    message = error(write(tmp_path, "dup.csv", f"{header}\n" + ",".join(["a"] * header.count(",")) + ",1\n"))
    assert "twice" in message and "line 1" in message


def test_blank_column_names_may_repeat(tmp_path):
    assert read_labelled_phrases(write(tmp_path, "blank.csv", "text,label,,\nfine,1,,\n")) == {"fine": True}


def test_an_unknown_huge_test_word_is_shown_shortened():
    with pytest.raises(DataFileError) as info:
        check_train_test({"i am glad": True}, {"i am " + "z" * 100000: True})
    assert len(str(info.value)) < 500
