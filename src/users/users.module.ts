import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TokensModule } from '../tokens/tokens.module';
import { AdminUsersController } from './admin-users.controller';
import { PasswordHasher } from './password-hasher';
import { UserAccessRevoker } from './user-access-revoker';
import { User } from './user.entity';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User]), TokensModule],
  controllers: [AdminUsersController],
  providers: [UsersService, PasswordHasher, UserAccessRevoker],
  exports: [UsersService],
})
export class UsersModule {}
