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
#define BUS_ERROR_NO_SUCH_DOMAIN "org.bindox.Coordinator1.Error.NoSuchDomain"
#define BUS_ERROR_DOMAIN_EXISTS "org.bindox.Coordinator1.Error.DomainExists"
#define BUS_ERROR_DOMAIN_BUSY "org.bindox.Coordinator1.Error.DomainBusy"
#define BUS_ERROR_DOMAIN_NOT_RUNTIME "org.bindox.Coordinator1.Error.DomainNotRuntime"
#define BUS_ERROR_NO_CONTROL_DEVICE "org.bindox.Coordinator1.Error.NoControlDevice"

#endif /* BINDOXD_BUS_NAMES_H */
