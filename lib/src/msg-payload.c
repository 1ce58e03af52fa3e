/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Glue between BindoxMsg and the UAPI payload/message structures.
 */

#include <errno.h>
#include <string.h>
#include "msg-private.h"
#include "util.h"

void bindox_msg_payload_for_send(const BindoxMsg *m, struct bindox_payload *p)
{
	memset(p, 0, sizeof(*p));
	if (!m)
		return;
	if (m->n_data > 0)
		p->data_ptr = UTIL_PTR_TO_U64(m->data);
	if (m->n_offsets > 0)
		p->offsets_ptr = UTIL_PTR_TO_U64(m->offsets);
	p->data_size = (__u32)m->n_data;
	p->offsets_count = (__u32)m->n_offsets;
}

void bindox_msg_payload_for_recv(const BindoxMsg *m, struct bindox_message *hdr)
{
	memset(hdr, 0, sizeof(*hdr));
	if (m->cap_data > 0)
		hdr->payload.data_ptr = UTIL_PTR_TO_U64(m->data);
	if (m->cap_offsets > 0)
		hdr->payload.offsets_ptr = UTIL_PTR_TO_U64(m->offsets);
	hdr->payload.data_size = (__u32)m->cap_data;
	hdr->payload.offsets_count = (__u32)m->cap_offsets;
}

int bindox_msg_payload_grow(BindoxMsg *m, const struct bindox_payload *needed)
{
	int r;

	if (needed->data_size > BINDOX_MAX_DATA_SIZE || needed->offsets_count > BINDOX_MAX_OBJECTS)
		return -EMSGSIZE;
	/* Nothing to grow: the driver's report makes no sense, do not loop. */
	if (needed->data_size <= m->cap_data && needed->offsets_count <= m->cap_offsets)
		return -EMSGSIZE;

	r = bindox_msg_grow_data(m, needed->data_size);
	if (r < 0)
		return r;
	return bindox_msg_grow_offsets(m, needed->offsets_count);
}

int bindox_msg_payload_finish(BindoxMsg *m, const struct bindox_message *hdr)
{
	if (hdr->payload.data_size > m->cap_data || hdr->payload.offsets_count > m->cap_offsets) {
		bindox_msg_reset(m);
		return -EBADMSG;
	}

	m->n_data = hdr->payload.data_size;
	m->n_offsets = hdr->payload.offsets_count;
	m->rpos = 0;
	m->robj = 0;
	m->type = hdr->type;
	m->flags = hdr->flags;
	m->id = hdr->id;
	m->cookie = hdr->cookie;
	m->creds.pid = (pid_t)hdr->sender_pid;
	m->creds.euid = (uid_t)hdr->sender_euid;
	m->creds.egid = (gid_t)hdr->sender_egid;
	m->creds.domain = hdr->sender_domain;
	return 0;
}
