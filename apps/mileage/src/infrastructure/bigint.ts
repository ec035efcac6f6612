/** bigint columns read back as numbers (pg returns them as strings); points and amounts stay far below 2^53. */
export const bigintAsNumber = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? v : Number(v)) };
