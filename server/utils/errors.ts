// The contract's errors (platform/errors.ts), auto-imported into route handlers.
export { apiError, conflict, forbidden, isApiError, notFound, unauthorized, validationFailed, zodIssues } from '../platform/errors'
export type { ErrorCode } from '../platform/errors'
