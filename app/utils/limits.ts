// Mirrors MESSAGE_MAX_CHARS in shared/schemas/messages.ts (contract §6) without pulling zod into the client
// bundle; the server stays the authority and answers 422 past its configured limit.
export const MESSAGE_MAX_CHARS = 5000
