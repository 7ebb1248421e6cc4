import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminUsersController } from './admin-users.controller';
import { PasswordHasher } from './password-hasher';
import { User } from './user.entity';
import { UserClaimsProvider } from './user-claims-provider';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User])],
  controllers: [AdminUsersController],
  providers: [UsersService, UsersRepository, PasswordHasher, UserClaimsProvider],
  exports: [UsersService, UserClaimsProvider],
})
export class UsersModule {}
