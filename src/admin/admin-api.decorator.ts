import { applyDecorators, UseGuards, UseInterceptors, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AdminAuditInterceptor } from '../operations/audit/admin-audit.interceptor';
import { AdminAuthGuard } from './admin-auth.guard';
import { AdminValidationPipe } from './admin-validation.pipe';

/** Marks an `/admin/*` controller: admin authentication, strict validation, audit of changes, OpenAPI tag. */
export function AdminApi(tag: string): ClassDecorator {
  return applyDecorators(
    ApiTags(tag),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No, or a wrong, admin key or access token' }),
    UseGuards(AdminAuthGuard),
    UsePipes(AdminValidationPipe),
    UseInterceptors(AdminAuditInterceptor),
  );
}
