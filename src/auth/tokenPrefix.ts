/**
 * The first characters of a token, kept so that a list of tokens can be told apart and matched
 * against one in hand: the kind (`hl_biz_`) and 5 random characters, 30 of the token's 256
 * bits, which leaves nothing worth guessing.
 */
export const tokenPrefix = (token: string): string => token.slice(0, 12);
