// The argument blocks of the LSTM cell tasks, fused (lstm.ts) and reference (lstm_reference.ts),
// written by bindings/kernels/lstm.ts.

export const FWD_GATES = 0; // gates is (B, 4H): pre-activations in, activations i, f, g, o out
export const FWD_C_PREV = 1; // cPrev is (B, H)
export const FWD_C = 2; // c is (B, H), written
export const FWD_H = 3; // h is (B, H), written
export const FWD_B = 4;
export const FWD_H_SIZE = 5;

export const BWD_ACTS = 0; // acts is (B, 4H): the activations the forward step saved
export const BWD_C_PREV = 1; // cPrev is (B, H)
export const BWD_C = 2; // c is (B, H): this step's cell state
export const BWD_DY = 3; // dy is (B, H), or 0 for none: the loss's gradient on this step's output
export const BWD_DH_NEXT = 4; // dhNext is (B, H), or 0 for none: the gradient on h from the next step
export const BWD_DC = 5; // dc is (B, H): in, dL/dc from the next step; out, dL/dc of the previous step
export const BWD_DGATES = 6; // dgates is (B, 4H), written: dL/d(pre-activations)
export const BWD_B = 7;
export const BWD_H_SIZE = 8;

