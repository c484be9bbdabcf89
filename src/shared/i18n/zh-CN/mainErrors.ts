import type { Mirror } from '../mirror';
import type { mainErrors as en } from '../en/mainErrors';

export const mainErrors = {
  // upload-plans.ts
  uploadPlanGone: '该上传已不再等待开始，请重新拖入文件。',
  uploadUnstagedRefused: '在浏览器模式下，只能上传页面自己发送的文件：请在页面中拖入或选择文件。',
  // upload-runner.ts
  uploadCancelled: '{name} 的上传已取消。',
  uploadUnreadable: '{name} 已无法读取（{detail}），因此未上传。',
  uploadNotAFile: '{name} 已不再是文件，因此未上传。',
  uploadChanged:
    '{name} 在加入队列后已被修改（大小或修改时间不同），因此未上传；请重新添加，以发送当前版本。',
  // upload-plan.ts
  skipNoPermission: '无法读取：没有权限',
  skipGone: '无法读取：已不存在',
  skipUnreadable: '无法读取：{detail}',
  skipFolderNoPermission: '无法读取文件夹：没有权限',
  skipFolderGone: '无法读取文件夹：已不存在',
  skipFolderUnreadable: '无法读取文件夹：{detail}',
  skipDuplicate: '会覆盖 {earlier}（{remotePath} 处同名）',
  skipBrokenLink: '符号链接指向的目标不存在',
  skipLinkOutside: '符号链接指向文件夹之外',
  skipLinkNotFile: '符号链接指向文件夹或特殊文件（未跟随）',
  skipSpecialFile: '不是普通文件（套接字、FIFO 或设备）',
  // upload-staging.ts
  stagedNameMissing: '暂存的文件需要有名称。',
  stagedNameAbsolute: '暂存的文件名必须是相对路径。',
  stagedNameBadParts: '暂存的文件名不能包含空的、“.” 或 “..” 部分。',
  stagedTooDeep: '该文件夹的嵌套层级过深。',
  stagedTooLarge: '该文件超过了暂存大小上限。',
  stagedQuota: '暂存上传的空间已用完：请等待当前上传完成，或一次上传更少的文件。',
  stagedTooManyStages: '同时准备的上传过多，请稍后再试。',
  stagedGone: '该上传已不再处于准备中，请重新拖入文件。',
  stagedTooManyFiles: '一次拖入的文件过多。',
  stagedOutside: '暂存的文件必须位于其文件夹内。',
  stagedDuplicate: '{name} 已经暂存过了。',
  stagedFolderConflict: '无法暂存 {name}：其所在文件夹路径中的某一部分已经是暂存的文件。',
  // event-stream.ts, stream-manager.ts
  streamClosed: '事件流已关闭。',
  pagingNeedsV1: '分页加载事件需要 V1 API。',
  // secret-store.ts
  keychainModuleMissing:
    '无法使用系统钥匙串：它的支持模块（keytar）未安装或无法加载，因此在钥匙串恢复可用之前，API 密钥仅在本次运行期间保留。您可以只在本次运行期间保留密钥；重新启动 OpenHands Desktop 后需要重新输入。如需在开发环境中修复：在 Debian/Ubuntu 上运行 `sudo apt-get install libsecret-1-dev pkg-config`，然后运行 `npm rebuild keytar`。',
  keychainLocked:
    '系统钥匙串已锁定，OpenHands Desktop 无法读取或保存 API 密钥。请将其解锁（在 Linux 上：解锁登录密钥环，例如在“密码和密钥”中，或重新登录）；解锁后应用会立即重新使用它。在此期间，不会在缺少密钥的情况下向服务器发送任何内容。',
  keychainUnreachable:
    '无法连接到系统钥匙串，因此无法安全地保存 API 密钥。在 Linux 上，这通常表示您的会话中没有运行密钥环服务（例如 GNOME Keyring 或 KWallet）。您可以只在本次运行期间保留密钥；重新启动 OpenHands Desktop 后需要重新输入。',
  keychainTimeout:
    '系统钥匙串未及时响应（它可能已锁定，正在等待您的密码）。您可以只在本次运行期间保留密钥；重新启动 OpenHands Desktop 后需要重新输入。',
  // account-service.ts
  serversFileDamaged:
    '无法读取已保存的服务器，因为设置文件已损坏。该文件已另存为“{file}”，应用已在没有服务器的情况下启动；请重新添加服务器。',
  serversFileUnreadable:
    '无法读取已保存的服务器（{detail}）。在此问题解决并重新启动应用之前，无法保存对服务器的更改。',
  serverGone: '该服务器已不存在。',
  serversSaveFailed: '无法保存服务器设置（{detail}）。',
  // server-registry.ts
  serverNotConfigured: '该服务器已不在配置中。',
  invalidServerAddress: '这不是有效的 http(s) 服务器地址。',
  orgRefused:
    '{where} 拒绝了为此服务器保存的组织（您可能已不再是该组织的成员）。请从您的组织中选择一个并保存。',
  // outbox.ts
  outboxCancelled: '已取消。',
  outboxClosing: '应用正在关闭。',
  outboxUncertain: '{error}服务器可能已收到此操作，也可能没有；未重新发送。点击“重试”会再次发送。',
  // executors.ts
  summaryCreate: '新建会话',
  summaryCreateWith: '新建会话：{text}',
  summarySend: '发送：{text}',
  summaryPauseAgent: '暂停智能体',
  summaryResumeAgent: '继续运行智能体',
  summaryPauseSandbox: '暂停沙箱',
  summaryResumeSandbox: '恢复沙箱',
  summaryStop: '停止会话',
  summaryRename: '重命名为“{title}”',
  summaryDelete: '删除会话',
  summaryAccept: '批准待处理的操作',
  summaryReject: '拒绝待处理的操作',
  summaryUpload: '上传 {path}',
  // web-server.ts
  webFileNotStored: '无法存储该文件。',
  webUploadForbidden: '在浏览器模式下，只能上传页面自己发送的文件。',
  webInternal: '应用出了点问题。',
  webOpenTokenAddress: '请打开 `npm run web` 输出的地址（其中带有令牌）。',
  // dispatch.ts
  bridgeInternal: '应用出了点问题。详细信息请查看日志。',
  bridgeInvalidInput: '输入无效。',
} satisfies Mirror<typeof en>;
