import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, RequireRole } from './auth.decorators.js';
import { AddMemberDto, ChangeRoleDto, MemberDto } from './dto/auth.dto.js';
import type { Principal } from './principal.js';
import { UsersService } from './users.service.js';

@ApiTags('members')
@Controller('api/members')
export class MembersController {
  constructor(@Inject(UsersService) private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: "The workspace's admin users and their roles" })
  @ApiOkResponse({ type: [MemberDto] })
  list(@Caller() caller: Principal): Promise<MemberDto[]> {
    return this.users.listMembers(caller.workspaceId);
  }

  @Post()
  @RequireRole('owner')
  @ApiOperation({ summary: 'Add an admin user (created when new) with a role (owner)' })
  @ApiCreatedResponse({ type: MemberDto })
  add(@Caller() caller: Principal, @Body() body: AddMemberDto): Promise<MemberDto> {
    return this.users.addMember(caller.workspaceId, body);
  }

  @Patch(':userId')
  @RequireRole('owner')
  @ApiOperation({ summary: "Change a member's role (owner); the last owner cannot be demoted" })
  @ApiOkResponse({ type: MemberDto })
  changeRole(
    @Caller() caller: Principal,
    @Param('userId', new ParseUUIDPipe()) userId: string,
    @Body() body: ChangeRoleDto,
  ): Promise<MemberDto> {
    return this.users.changeRole(caller.workspaceId, userId, body.role);
  }

  @Delete(':userId')
  @RequireRole('owner')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member from the workspace (owner)' })
  @ApiNoContentResponse()
  async remove(@Caller() caller: Principal, @Param('userId', new ParseUUIDPipe()) userId: string): Promise<void> {
    await this.users.removeMember(caller.workspaceId, userId);
  }
}
