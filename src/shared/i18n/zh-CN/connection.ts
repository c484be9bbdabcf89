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
  agentTooOld:
    '{host} 是 OpenHands 智能体服务器 {version}；本应用需要 {min} 或更新版本（与 OpenHands 官方应用相同）。请更新智能体服务器。',
  agentStarting: '{host} 是 OpenHands 智能体服务器 {version}，仍在启动中（尚未就绪）。请稍后再试。',
  agentNotInitialised:
    '{host} 是 OpenHands 智能体服务器 {version}，正在等待初始化（延迟初始化）：运行它的人需要先完成设置（POST /api/init）才能使用。',
  agentKeyMismatch: '{host} 是 OpenHands 智能体服务器，你输入的密钥与它的 SESSION_API_KEY 不符。',
  agentKeyNeeded:
    '{host} 是受 SESSION_API_KEY 保护的 OpenHands 智能体服务器：请将该值填写为此服务器的 API 密钥。',
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
  connectedAgentServer: '已连接到位于 {host} 的 OpenHands 智能体服务器（版本 {version}）。',
} satisfies Mirror<typeof en>;
