/** The fixed reaction picker: short on purpose, so reactions stay comparable across messages. */
export const REACTION_EMOJI = ['👍', '❤️', '😂', '🎉', '👀', '✅'] as const
