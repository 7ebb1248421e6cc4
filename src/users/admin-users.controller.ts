import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
} from '@nestjs/swagger';
import { AdminApi } from '../admin/admin-api.decorator';
import { CreateUserDto } from './dto/create-user.dto';
import { UserResponse } from './dto/user.response';
import { UsersService } from './users.service';

/** Accounts that sign in on the login page. */
@AdminApi('admin: users')
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

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
    const user = await this.users.findById(id);
    if (!user) throw userNotFound(id);
    return UserResponse.from(user);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async remove(@Param('id') id: string): Promise<void> {
    if (!(await this.users.delete(id))) throw userNotFound(id);
  }
}

function userNotFound(id: string): NotFoundException {
  return new NotFoundException(`no user ${id}`);
}
