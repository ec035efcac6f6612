/** Why a customer earned points: the welcome on opening the wallet, or 1 % of a delivered order's charge. */
export const EarnReasons = ['WELCOME', 'ORDER'] as const;
export type EarnReason = (typeof EarnReasons)[number];

/** Why reserved points came back: the order was rejected or canceled. */
export const ReleaseCauses = ['ORDER_REJECTED', 'ORDER_CANCELED'] as const;
export type ReleaseCause = (typeof ReleaseCauses)[number];

/** Every new customer's welcome points. */
export const WELCOME_POINTS = 5000;
