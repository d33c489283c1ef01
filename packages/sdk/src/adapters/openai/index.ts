// @causelane/sdk/openai: the openai client's Chat Completions loop under the causal executor.
// `runOpenAIChat` runs the whole loop from a message history; `OpenAIToolRunner` slots into a loop
// you keep; the message helpers build the tool messages, one per tool_call_id, in call order.

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
