import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  Header,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Req,
  UseGuards,
  ValidationPipe,
} from '@nestjs/common';
import { RequireScopes, type AccessTokenClaims } from '@nest-oauth/resource-server';
import { CreateNoteDto } from './dto/create-note.dto';
import { AuthenticatedRequest, JwtAuthGuard } from './jwt-auth.guard';
import { Note } from './note.entity';
import { NotesService } from './notes.service';

interface NoteView {
  id: string;
  text: string;
  created_at: string;
}

const noteBody = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true });

/** The demo API: a user's own notes, `notes:read` to list, `notes:write` to change. */
@Controller('api/notes')
@UseGuards(JwtAuthGuard)
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  @Get()
  @RequireScopes('notes:read')
  @Header('Cache-Control', 'no-store')
  async list(@Req() request: AuthenticatedRequest): Promise<NoteView[]> {
    return (await this.notes.list(userOf(request.user))).map(toView);
  }

  @Post()
  @RequireScopes('notes:write')
  async create(@Req() request: AuthenticatedRequest, @Body(noteBody) body: CreateNoteDto): Promise<NoteView> {
    return toView(await this.notes.create(userOf(request.user), body.text));
  }

  @Delete(':id')
  @RequireScopes('notes:write')
  @HttpCode(204)
  async delete(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<void> {
    if (!(await this.notes.delete(userOf(request.user), id))) throw new NotFoundException('no such note');
  }
}

/**
 * Notes belong to users. RFC 9068 §2.2: a client-credentials token's `sub` is the client
 * itself, so there is no user whose notes it could mean.
 */
function userOf(claims: AccessTokenClaims): string {
  if (claims.sub === claims.client_id) {
    throw new ForbiddenException({
      error: 'access_denied',
      error_description: 'notes belong to a user; this token was issued to a client acting for itself',
    });
  }
  return claims.sub;
}

function toView(note: Note): NoteView {
  return { id: note.id, text: note.text, created_at: note.createdAt.toISOString() };
}
