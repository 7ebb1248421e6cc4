import { Module } from '@nestjs/common';
import { AdminAuthGuard } from './admin-auth.guard';

/**
 * The admin API's authentication. Importing it is optional: `@UseGuards(AdminAuthGuard)`
 * works in any module, since the guard needs only the global `AppConfig` and `ModuleRef`.
 */
@Module({
  providers: [AdminAuthGuard],
  exports: [AdminAuthGuard],
})
export class AdminModule {}
