import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KeyStoreService } from './signing/key-store.service';
import { SigningKey } from './signing/signing-key.entity';

@Module({
  imports: [TypeOrmModule.forFeature([SigningKey])],
  providers: [KeyStoreService],
  exports: [KeyStoreService],
})
export class TokensModule {}
