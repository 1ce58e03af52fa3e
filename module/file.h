/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BINDOX_FILE_H
#define __BINDOX_FILE_H

#include <linux/fs.h>

extern const struct file_operations bindox_fops;

#endif /* __BINDOX_FILE_H */
