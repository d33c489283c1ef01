// @causelane/sdk/openai: the openai client's loop under the causal executor. `runOpenAIChat` runs
// a whole Chat Completions loop from a message history; `OpenAIToolRunner` slots into a loop you
// keep (Chat Completions or Responses); the helpers build tool messages, one per id, in call order.

export {
  OpenAIChatModel,
  type OpenAIChatModelOptions,
  toChatMessages,
} from '../../models/openai-chat-model.ts';
export {
  assistantMessage,
  ChunkAccumulator,
  contextMessages,
  toolContent,
  toolMessages,
} from './chat-messages.ts';
export { OpenAIToolRunner, type OpenAIToolRunnerOptions } from './openai-tool-runner.ts';
export {
  type OpenAIChatResult,
  type OpenAIFunctionTool,
  type RunOpenAIChatOptions,
  runOpenAIChat,
  toSdkTool,
} from './run-openai-chat.ts';
