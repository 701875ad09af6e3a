import { z } from 'zod'
import { SafeText, Uuid } from './common'
import { Email } from './auth'

export const ProjectRole = z.enum(['owner', 'staff', 'client'])
export type ProjectRole = z.infer<typeof ProjectRole>

export const ProjectParams = z.object({ projectId: Uuid })
export const ProjectMemberParams = z.object({ projectId: Uuid, userId: Uuid })

export const CreateProjectBody = z.strictObject({
  name: SafeText(1, 120),
  slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'slug must be lowercase letters, digits and dashes')
})

export const AddMemberBody = z.strictObject({ email: Email, role: ProjectRole })

export const CreateInviteBody = z.strictObject({
  role: ProjectRole,
  expiresInHours: z.number().int().min(1).max(720).default(72),
  maxUses: z.number().int().min(1).max(100).default(1)
})
