/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BINDOXD_BUS_NAMES_H
#define BINDOXD_BUS_NAMES_H

/* The names of the D-Bus interface, shared by bindoxd and bindoxctl. */

#define BUS_NAME "org.bindox.Coordinator1"
#define BUS_PATH "/org/bindox/Coordinator1"
#define BUS_INTERFACE "org.bindox.Coordinator1"
#define BUS_SERVICE_PREFIX "/org/bindox/Coordinator1/service"
#define BUS_SERVICE_INTERFACE "org.bindox.Coordinator1.Service"
#define BUS_DOMAIN_PREFIX "/org/bindox/Coordinator1/domain"
#define BUS_DOMAIN_INTERFACE "org.bindox.Coordinator1.Domain"

#define BUS_ERROR_NO_SUCH_SERVICE "org.bindox.Coordinator1.Error.NoSuchService"
#define BUS_ERROR_POLICY_INVALID "org.bindox.Coordinator1.Error.PolicyInvalid"
#define BUS_ERROR_POLICY_LOAD_FAILED "org.bindox.Coordinator1.Error.PolicyLoadFailed"
#define BUS_ERROR_DOMAINS_FAILED "org.bindox.Coordinator1.Error.DomainsFailed"

#endif /* BINDOXD_BUS_NAMES_H */
