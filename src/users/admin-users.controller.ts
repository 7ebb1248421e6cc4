import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
} from '@nestjs/swagger';
import { AccessRevoker } from '../admin/access-revoker';
import { AdminApi } from '../admin/admin-api.decorator';
import { CreateUserDto } from './dto/create-user.dto';
import { RevokedSessionsResponse } from './dto/revoked-sessions.response';
import { UserResponse } from './dto/user.response';
import type { User } from './user.entity';
import { UsersService } from './users.service';

/** Accounts that sign in on the login page. */
@AdminApi('admin: users')
@Controller('admin/users')
export class AdminUsersController {
  constructor(
    private readonly users: UsersService,
    private readonly access: AccessRevoker,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: UserResponse })
  @ApiBadRequestResponse({ description: 'Invalid email, or a password outside 12–128 characters' })
  @ApiConflictResponse({ description: 'The email is already registered, in any letter case' })
  async create(@Body() body: CreateUserDto): Promise<UserResponse> {
    return UserResponse.from(await this.users.create(body.email, body.password));
  }

  @Get(':id')
  @ApiOkResponse({ type: UserResponse })
  @ApiNotFoundResponse()
  async findOne(@Param('id') id: string): Promise<UserResponse> {
    return UserResponse.from(await this.existing(id));
  }

  /** Deletes the account after ending its access, so no token outlives it. */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async remove(@Param('id') id: string): Promise<void> {
    await this.existing(id);
    await this.access.revokeUser(id, 'user_deleted');
    if (!(await this.users.delete(id))) throw userNotFound(id);
  }

  /** Signs the user out everywhere: every token family revoked, every sign-in session ended. */
  @Delete(':id/sessions')
  @ApiOkResponse({ type: RevokedSessionsResponse })
  @ApiNotFoundResponse()
  async revokeSessions(@Param('id') id: string): Promise<RevokedSessionsResponse> {
    await this.existing(id);
    const revoked = await this.access.revokeUser(id, 'admin_revoked_sessions');
    return { revoked_token_families: revoked.tokenFamilies, ended_sign_in_sessions: revoked.signInSessions };
  }

  private async existing(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw userNotFound(id);
    return user;
  }
}

function userNotFound(id: string): NotFoundException {
  return new NotFoundException(`no user ${id}`);
}
