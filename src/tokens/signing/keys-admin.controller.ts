import { Controller, HttpCode, Post } from '@nestjs/common';
import type { JWK } from 'jose';
import { AdminApi } from '../../admin/admin-api.decorator';
import { KeyStoreService } from './key-store.service';

/** `POST /admin/keys/rotate`: a new key signs from now on; the old ones verify until their tokens expire. */
@AdminApi('keys')
@Controller('admin/keys')
export class KeysAdminController {
  constructor(private readonly keys: KeyStoreService) {}

  @Post('rotate')
  @HttpCode(200)
  rotate(): Promise<JWK> {
    return this.keys.rotate();
  }
}
