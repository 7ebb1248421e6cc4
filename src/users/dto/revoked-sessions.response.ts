import { ApiProperty } from '@nestjs/swagger';

/** The answer to `DELETE /admin/users/:id/sessions`. */
export class RevokedSessionsResponse {
  @ApiProperty({ description: 'Token families revoked: every refresh token and access token they issued' })
  revoked_token_families: number;

  @ApiProperty({ description: 'Sign-in sessions ended' })
  ended_sign_in_sessions: number;
}
