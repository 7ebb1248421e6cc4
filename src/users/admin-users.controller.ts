import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Patch, Post, Query } from '@nestjs/common';
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
import { UpdateUserDto } from './dto/update-user.dto';
import { ListUsersQuery } from './dto/list-users.query';
import { UserPage, UserResponse } from './dto/user.response';
import { ADMIN_ROLE, hasRole, type User } from './user.entity';
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
    return UserResponse.from(await this.users.create(body.email, body.password, { name: body.name, roles: body.roles }));
  }

  @Get()
  @ApiOkResponse({ type: UserPage })
  async list(@Query() query: ListUsersQuery): Promise<UserPage> {
    const { items, total } = await this.users.list(query.offset, query.limit);
    return { items: items.map((user) => UserResponse.from(user)), total, offset: query.offset, limit: query.limit };
  }

  /** Taking `admin` away also revokes the user's grants that carry it: a role is not kept by a token. */
  @Patch(':id')
  @ApiOkResponse({ type: UserResponse })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The new email is already registered, in any letter case' })
  async update(@Param('id') id: string, @Body() body: UpdateUserDto): Promise<UserResponse> {
    const before = await this.existing(id);
    const wasAdmin = hasRole(before, ADMIN_ROLE);
    const updated = await this.users.update(id, {
      email: body.email,
      password: body.password,
      name: body.name,
      emailVerified: body.email_verified,
      roles: body.roles,
    });
    if (!updated) throw userNotFound(id);
    if (wasAdmin && !hasRole(updated, ADMIN_ROLE)) await this.access.revokeScopeOfUser(id, ADMIN_ROLE, 'admin_role_removed');
    return UserResponse.from(updated);
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
