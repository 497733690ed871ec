// Op codes of the binary kernels, shared with bindings/kernels/elementwise.ts (BINARY_OPS).
// Comparisons write float32 1 or 0.
export const ADD = 0;
export const SUB = 1;
export const MUL = 2;
export const DIV = 3;
export const POW = 4;
export const MAXIMUM = 5;
export const MINIMUM = 6;
export const EQ = 7;
export const NE = 8;
export const LT = 9;
export const LE = 10;
export const GT = 11;
export const GE = 12;
