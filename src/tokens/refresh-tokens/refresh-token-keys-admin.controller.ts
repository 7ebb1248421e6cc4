import { Controller, HttpCode, Post } from '@nestjs/common';
import { AdminApi } from '../../admin/admin-api.decorator';
import { RefreshTokenKeyRing } from './refresh-token-key-ring';

/**
 * `POST /admin/refresh-token-keys/rotate`: a new server key MACs refresh tokens from now on;
 * the old ones verify until no token they made can still be live (the absolute lifetime).
 */
@AdminApi('keys')
@Controller('admin/refresh-token-keys')
export class RefreshTokenKeysAdminController {
  constructor(private readonly keys: RefreshTokenKeyRing) {}

  @Post('rotate')
  @HttpCode(200)
  rotate(): Promise<{ kid: string; created_at: number }> {
    return this.keys.rotate();
  }
}
