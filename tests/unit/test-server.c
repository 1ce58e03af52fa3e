/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "test-util.h"
static Suite *x_suite(void) { return suite_create("x"); }
TEST_MAIN(x_suite)
