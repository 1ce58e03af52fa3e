// SPDX-License-Identifier: GPL-2.0
/* The trace events of bindox_trace.h are defined here, once. */
#define CREATE_TRACE_POINTS
#include "bindox_trace.h"
