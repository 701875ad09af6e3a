/**
 * The id of a message the composer asked to edit (ArrowUp in an empty composer). MessageItem owns its edit form,
 * so it watches this, opens the form for its own id and clears the request.
 */
export const useMessageEditRequest = () => useState<string | null>('message-edit-request', () => null)
