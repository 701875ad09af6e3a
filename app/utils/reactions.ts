/** The reaction quick row before the viewer has favourites of their own (then it tops theirs up). */
export const REACTION_EMOJI = ['👍', '❤️', '😂', '🎉', '👀', '✅'] as const
