import { listBlocks } from '#server/domain/blocks/blocks'

export default defineEventHandler(async event => listBlocks(await requireUser(event)))
