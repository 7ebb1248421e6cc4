import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { NotesStore } from './notes-store';

/** Who the request's access token speaks for, as the tools see it (the SDK's `authInfo.extra`). */
export interface TokenSubject {
  sub: string;
  scopes: string[];
}

/**
 * The MCP server: one `read_notes` tool that lists the signed-in user's notes, and `add_note`,
 * which needs the write scope. Built per request (stateless Streamable HTTP).
 */
export function buildMcpServer(store: NotesStore): McpServer {
  const server = new McpServer({ name: 'notes', version: '0.1.0' });
  const subjectOf = (extra: { authInfo?: { extra?: Record<string, unknown> } }) => extra.authInfo?.extra?.subject as TokenSubject;

  server.registerTool('read_notes', { description: "Lists the signed-in user's notes" }, (extra) => {
    const { sub } = subjectOf(extra);
    return { content: [{ type: 'text', text: JSON.stringify({ sub, notes: store.list(sub) }) }] };
  });

  server.registerTool('add_note', { description: 'Adds a note for the signed-in user', inputSchema: { text: z.string().min(1).max(1000) } }, ({ text }, extra) => {
    const subject = subjectOf(extra);
    if (!subject.scopes.includes('mcp-notes:write')) {
      return { isError: true, content: [{ type: 'text', text: 'this token lacks the mcp-notes:write scope' }] };
    }
    return { content: [{ type: 'text', text: JSON.stringify({ sub: subject.sub, notes: store.add(subject.sub, text) }) }] };
  });
  return server;
}
