/** UI text of the photo capture and thumbnails. */
export const PHOTO_TEXT = {
  add: '拍照',
  adding: '正在处理…',
  remove: '删除照片',
  photo: (n: number) => `照片 ${n}`,
  missing: '照片不在本机',
  failed: '照片处理失败，请重试',
  notImage: '所选文件不是图片，请选择照片',
  unreadable: '无法读取所选图片（文件可能已损坏或不是照片），请重新拍照或另选一张',
} as const;
