import type { Mirror } from '../mirror';
import type { storage as en } from '../en/storage';

export const storage = {
  diskFull: '磁盘已满：应用无法保存数据。请释放一些空间；已保存的内容不会丢失。',
  readOnly:
    '无法写入应用的数据文件夹（{dir}）。应用以只读方式运行：已保存的内容可以查看，但在该文件夹恢复可写之前，无法排队或保存任何新内容。',
} satisfies Mirror<typeof en>;
