"""The classic slips of notebook 07's backward steps, each with the hint its checker gives."""


def _sigmoid_hint(gate):
    return f"the {gate} gate's σ' is written as {gate}: the derivative of a sigmoid is {gate} * (1 - {gate})"


#: Each classic LSTM slip and the hint it gets.
LSTM_SLIPS = {
    "no_dc": "the d_c coming from later steps is not added: all that reaches c_t is d_c + d_h * o * (1 - tanh_c**2)",
    "no_tanh_prime_c": "the path from h_t to c_t lacks tanh'(c_t): h_t = o * tanh(c_t), so it adds "
                       "d_h * o * (1 - tanh_c**2) to d_c",
    "no_o_in_c": "the path from h_t to c_t lacks o: h_t = o * tanh(c_t), so it adds d_h * o * (1 - tanh_c**2) to d_c",
    "dc_prev_incoming": "d_c_prev uses the incoming d_c alone: multiply all that reaches c_t, "
                        "d_c + d_h * o * (1 - tanh_c**2), by f",
    "dc_prev_no_f": "d_c_prev lacks the forget gate: c_t = f * c_prev + i * g, so d_c_prev = "
                    "(all that reaches c_t) * f",
    "o_tanh_twice": "the output gate's gradient takes tanh twice: the cache holds tanh_c = tanh(c_t) already, "
                    "so d_o = d_h * tanh_c",
    "o_tanh_prime": "the output gate's gradient uses tanh'(c_t): h_t = o * tanh(c_t), so d_o = d_h * tanh_c, "
                    "the value, not its derivative",
    "o_c": "the output gate's gradient uses c_t: h_t = o * tanh(c_t), so d_o = d_h * tanh_c",
    "f_no_c_prev": "the forget gate's gradient lacks c_prev: c_t = f * c_prev + i * g, so d_f = (all that reaches "
                   "c_t) * c_prev",
    "i_g_swapped": "d_i and d_g are swapped: in i * g each factor's gradient is the other factor, "
                   "d_i = d_c * g and d_g = d_c * i (d_c all that reaches c_t)",
    "g_sigmoid_prime": "the candidate g is a tanh: its derivative is 1 - g**2, not g * (1 - g)",
    "g_no_prime": "the candidate's rows lack tanh': d_g * (1 - g**2)",
    "bh_zero": "dL/dbh is zeros: bx and bh are added in the same sum, so each gets the gradient da",
    "bx_zero": "dL/dbx is zeros: bx and bh are added in the same sum, so each gets the gradient da",
    "bias_split": "dL/dbx and dL/dbh are each half of da: bx and bh are added in the same sum, so each gets all "
                  "of it, dL/dbx = dL/dbh = da",
}
#: The hint when dL/dbx alone is wrong in another way (dL/dbh right, or the two adding up to 2 da).
LSTM_BX_WRONG = "dL/dbx is wrong while dL/dbh is right: bx and bh are added in the same sum, so dL/dbx = dL/dbh = da"


_RESET_INPUT_SIDE = ("the reset gate is applied on the input side (another GRU): here n = tanh(W_in x + b_in + "
                     "r * (W_hn h_prev + b_hn)), so the input's candidate rows get d_an = d_n * (1 - n**2), "
                     "the hidden's r * d_an, and d_r = d_an * hn")

#: Each classic GRU slip and the hint it gets.
GRU_SLIPS = {
    "reset_input_side": _RESET_INPUT_SIDE,
    "reset_input_side_xn": _RESET_INPUT_SIDE,
    "z_swapped": "z and 1 - z are swapped: here h_t = (1 - z) * n + z * h_prev, so d_n = d_h * (1 - z), "
                 "d_z = d_h * (h_prev - n), and h_prev's direct share is d_h * z",
    "no_reset_grad": "the reset gate gets no gradient: d_r = d_an * hn (r scales hn = W_hn h_prev + b_hn), "
                     "then d_r * r * (1 - r)",
    "reset_no_hn": "the reset gate's gradient lacks hn: r multiplies hn = W_hn h_prev + b_hn, so d_r = d_an * hn",
    "reset_hn_no_bias": "the reset gate's gradient lacks b_hn: r multiplies hn = W_hn h_prev + b_hn, the cache's hn",
    "no_direct": "d_h_prev lacks the direct path: h_t = (1 - z) * n + z * h_prev, so add d_h * z to "
                 "P['Wh'].T @ d_ah",
    "n_no_prime": "the candidate's rows lack tanh': d_an = d_n * (1 - n**2)",
    "bh_like_bx": "dL/dbh's candidate rows are d_an, as dL/dbx's: b_hn sits inside the reset gate, "
                  "so they are r * d_an",
    "d_z_sign": "d_z has the wrong sign: h_t = (1 - z) * n + z * h_prev, so d_z = d_h * (h_prev - n)",
    "bx_zero": "dL/dbx is zeros: bx is added to Wx @ x, so dL/dbx = d_ax (its candidate rows d_an)",
    "bx_like_bh": "dL/dbx's candidate rows are r * d_an, as dL/dbh's: b_in sits outside the reset gate, "
                  "so they are d_an",
}
#: The hint when dL/dbx alone is wrong in another way (dL/dbh right).
GRU_BX_WRONG = "dL/dbx is wrong while dL/dbh is right: dL/dbx = d_ax, its r and z rows those of dL/dbh, its candidate rows d_an"
