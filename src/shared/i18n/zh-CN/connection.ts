// 主进程：“测试连接”的结论（test-connection.ts）。{host} 是服务器的主机名；{message} 是同一语言的
// ApiError 消息（apiErrors），本身以句号结尾。
import type { Mirror } from '../mirror';
import type { connection as en } from '../en/connection';

export const connection = {
  // 密钥被拒绝
  keyRefusedCloud:
    'OpenHands Cloud 未接受此 API 密钥：它可能输错了、已过期或已被撤销。请在 Cloud 设置中创建一个新密钥。',
  keyNeededCloud: 'OpenHands Cloud 需要 API 密钥：请在 Cloud 设置中创建一个，并将其添加到此服务器。',
  keyMismatch: '{host} 受 SESSION_API_KEY 保护，而您输入的密钥与之不匹配。',
  keyNeeded: '{host} 受 SESSION_API_KEY 保护：请将该值填写为此服务器的 API 密钥。',
  forbidden:
    '{host} 认可了该密钥，但拒绝访问（如果是 Cloud：请验证您的电子邮箱，并在网页版中接受服务条款）。',

  // 服务器类型不对，或无法连接
  agentServer:
    '{host} 是一个单独的 OpenHands 智能体服务器（openhands-agent-server），而不是 OpenHands 应用服务器或 Cloud。此版本的应用只能连接应用服务器和 Cloud：请使用应用服务器的地址（自托管时默认端口为 3000）。',
  noAppServerApi: '没有应用服务器 API',
  notOpenHands: '{host} 有应答，但看起来不是 OpenHands 服务器。',
  notChecked: '无法检查 {host}。',
  unreachable: '无法连接到 {host}：{message}请检查地址，并确认服务器正在运行。',
  timedOut:
    '{host} 未能在 {seconds} 秒内完成应答。它可能负载过高，或者您与它之间的某个环节一直挂起请求；请检查地址后重试。',
  cancelled: '检查已取消。',
  answeredError: '{host} 返回了错误：{message}',
  capabilitiesUnreadable: '{host} 可以访问，但无法读取它支持的功能：{message}',
  listingFailed: '{host} 可以访问，但无法列出会话：{message}',

  // 连接成功
  connectedCloud: '已连接到 OpenHands Cloud（V1 API）。',
  connectedCloudAgent: '已连接到 OpenHands Cloud（V1 API，智能体服务器 {version}）。',
  connectedCloudLegacy: '已连接到 OpenHands Cloud（仅旧版 V0 API）。',
  connectedSelfHosted: '已连接到位于 {host} 的自托管 OpenHands（V1 API）。',
  connectedSelfHostedAgent: '已连接到位于 {host} 的自托管 OpenHands（V1 API，智能体服务器 {version}）。',
  connectedSelfHostedLegacy: '已连接到位于 {host} 的自托管 OpenHands（仅旧版 V0 API）。',
} satisfies Mirror<typeof en>;
