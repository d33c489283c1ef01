// Test support (a Node module resolve hook): @mastra/otel-exporter 0.3.x imports @mastra/core
// (0.21 - 0.24) as a peer, but in this package @mastra/core is 1.x and 0.24 sits under the alias
// mastra-core-v0; this sends the exporter's @mastra/core imports to the alias.
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@mastra/core') && context.parentURL?.includes('@mastra+otel-exporter@0.')) {
    return next(specifier.replace('@mastra/core', 'mastra-core-v0'), {
      ...context,
      parentURL: import.meta.url,
    });
  }
  return next(specifier, context);
}
