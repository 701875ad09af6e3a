import { refreshAccessToken } from '#server/domain/auth/sessions'

export default defineEventHandler(async event => refreshAccessToken(await requireUser(event)))
