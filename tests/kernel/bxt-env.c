/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The usual setup of a kernel test: a Coordinator, a server fd and a
 * client fd holding a handle to the server; see bxt.h.
 */

#include <unistd.h>
#include "bxt.h"

void bxt_env_up_ck(BxtEnv *e, uint64_t cookie)
{
	e->coord = bxt_coord_start_ck();
	e->srv = bxt_open_ck();
	e->cli = bxt_open_ck();
	e->cookie = cookie;
	e->h = bxt_link_ck(e->srv, cookie, e->cli);
}

void bxt_env_down_ck(BxtEnv *e)
{
	if (e->cli >= 0)
		close(e->cli);
	if (e->srv >= 0)
		close(e->srv);
	e->cli = e->srv = -1;
	bxt_coord_stop(e->coord);
	e->coord = NULL;
	bxt_assert_no_leaks();
}
