// SPDX-License-Identifier: GPL-2.0-or-later
/* The methods compiled into this build, in report order. */
#include "method.h"

const Method *const methods[] = {
	&method_bindox,
	&method_tcp,
	&method_udp,
	&method_uds,
#ifdef HAVE_GRPC
	&method_grpc,
#endif
	&method_memfd,
	&method_binder,
#ifdef HAVE_ICEORYX
	&method_iceoryx,
#endif
	NULL,
};
