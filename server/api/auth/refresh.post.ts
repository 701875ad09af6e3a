export default defineEventHandler(event => refreshToken(event))
