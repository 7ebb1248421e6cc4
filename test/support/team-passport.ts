import { Controller, Get, Injectable, Module, Req, UseGuards } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { SignJWT } from 'jose';
import { ExtractJwt, Strategy } from 'passport-jwt';

/**
 * A team's own passport-jwt setup, as an application that hosts the server (or the package)
 * may already have: HS256 tokens under a shared secret, verified by passport-jwt's stock
 * jsonwebtoken path, registered in passport's process-wide registry. Once under a name of its
 * own and once under passport-jwt's default name, `jwt`.
 */
export const TEAM_SECRET = 'the-team-shared-secret-0123456789abcdef';
export const TEAM_ISSUER = 'https://team.example';

/** What the team's strategies put on `request.user`. */
export interface TeamUser {
  teamUser: string;
}

/** An HS256 token as the team's own login would issue it. */
export function mintTeamToken(sub: string, options: { secret?: string; expiresInSeconds?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(TEAM_ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresInSeconds ?? 600))
    .sign(new TextEncoder().encode(options.secret ?? TEAM_SECRET));
}

const teamOptions = {
  jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
  secretOrKey: TEAM_SECRET,
  algorithms: ['HS256' as const],
  issuer: TEAM_ISSUER,
};

@Injectable()
export class TeamNamedJwtStrategy extends PassportStrategy(Strategy, 'team-hs256') {
  constructor() {
    super(teamOptions);
  }

  validate(payload: { sub: string }): TeamUser {
    return { teamUser: payload.sub };
  }
}

@Injectable()
export class TeamDefaultJwtStrategy extends PassportStrategy(Strategy) {
  constructor() {
    super(teamOptions);
  }

  validate(payload: { sub: string }): TeamUser {
    return { teamUser: payload.sub };
  }
}

@Controller('team')
export class TeamController {
  @Get('named')
  @UseGuards(AuthGuard('team-hs256'))
  named(@Req() request: { user: TeamUser }): TeamUser {
    return request.user;
  }

  @Get('default')
  @UseGuards(AuthGuard('jwt'))
  default(@Req() request: { user: TeamUser }): TeamUser {
    return request.user;
  }
}

/** `/team/named` behind `AuthGuard('team-hs256')`, `/team/default` behind `AuthGuard('jwt')`. */
@Module({ controllers: [TeamController], providers: [TeamNamedJwtStrategy, TeamDefaultJwtStrategy] })
export class TeamPassportModule {}
