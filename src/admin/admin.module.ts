import { Module } from '@nestjs/common';
import { AccessRevoker } from './access-revoker';
import { AdminAuthGuard } from './admin-auth.guard';

/**
 * What the `/admin/*` controllers share. `@UseGuards(AdminAuthGuard)` also works without
 * importing this module: the guard needs only the global `AppConfig` and `ModuleRef`.
 */
@Module({
  providers: [AdminAuthGuard, AccessRevoker],
  exports: [AdminAuthGuard, AccessRevoker],
})
export class AdminModule {}
