// `kg mcp`: an MCP server on stdin/stdout (stdout carries the protocol, so nothing else is printed there).

export async function mcpCommand(): Promise<void> {
  const { serveMcpOverStdio } = await import('../mcp/stdio.js');
  await serveMcpOverStdio();
}
