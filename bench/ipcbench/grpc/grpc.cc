// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * grpc: gRPC over loopback TCP (insecure channel credentials: no TLS; the
 * paper's gRPC also paid for encryption), one unary call per exchange with
 * the message as a protobuf bytes field. Both sides raise the message size
 * limits (4 MiB by default) to the maximum.
 *
 * The client keeps one request whose bytes field it resizes once and writes
 * in place each time. The server's handler checks the request and writes
 * its reply into the response's bytes field, which it must first size
 * (std::string::resize zero-fills it: that is part of gRPC's cost here).
 * The sync server runs handlers on its own threads; serve() waits for the
 * stop request (an empty message).
 */
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <new>
#include <string>

#include <grpcpp/grpcpp.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "bench.grpc.pb.h"
#pragma GCC diagnostic pop

#include "../method.h"

namespace {

constexpr int CONNECT_TIMEOUT_S = 60;

class ExchangeService final : public ipcbench::Exchange::Service {
public:
	explicit ExchangeService(size_t size) : size_(size) {}

	grpc::Status Swap(grpc::ServerContext *, const ipcbench::Blob *req,
			  ipcbench::Blob *resp) override
	{
		std::unique_lock<std::mutex> lock(mutex_);

		// Calls may come in before serve() has said what to do with them.
		cv_.wait(lock, [this] { return fn_ != nullptr || done_; });
		if (done_)
			return grpc::Status(grpc::StatusCode::UNAVAILABLE, "stopped");
		if (req->data().empty()) {
			finish_locked(0);
			return grpc::Status::OK;
		}
		if (req->data().size() != size_) {
			finish_locked(-EBADMSG);
			return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "size");
		}
		std::string *out = resp->mutable_data();
		out->resize(size_);
		int r = fn_(userdata_, req->data().data(), out->data());
		if (r < 0) {
			finish_locked(r);
			return grpc::Status(grpc::StatusCode::INTERNAL, "check failed");
		}
		return grpc::Status::OK;
	}

	// Handle calls with @fn until the stop request; its result.
	int serve(MessageFn fn, void *userdata)
	{
		std::unique_lock<std::mutex> lock(mutex_);

		fn_ = fn;
		userdata_ = userdata;
		cv_.notify_all();
		cv_.wait(lock, [this] { return done_; });
		return result_;
	}

private:
	void finish_locked(int result)
	{
		done_ = true;
		result_ = result;
		cv_.notify_all();
	}

	size_t size_;
	std::mutex mutex_;
	std::condition_variable cv_;
	MessageFn fn_ = nullptr;
	void *userdata_ = nullptr;
	bool done_ = false;
	int result_ = 0;
};

} // namespace

struct MethodSide {
	size_t size = 0;
	// server
	std::unique_ptr<ExchangeService> service;
	std::unique_ptr<grpc::Server> server;
	// client
	std::shared_ptr<grpc::Channel> channel;
	std::unique_ptr<ipcbench::Exchange::Stub> stub;
	ipcbench::Blob request, reply;
};

static void grpc_close(MethodSide *s)
{
	if (!s)
		return;
	if (s->server)
		s->server->Shutdown();
	delete s;
}

static int grpc_listen(const MethodParams *p, MethodSide **out, char *addr)
{
	MethodSide *s = new (std::nothrow) MethodSide;
	grpc::ServerBuilder builder;
	int port = 0;

	if (!s)
		return -ENOMEM;
	s->size = p->size;
	s->service = std::make_unique<ExchangeService>(p->size);
	builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
	builder.SetMaxReceiveMessageSize(INT_MAX);
	builder.SetMaxSendMessageSize(INT_MAX);
	builder.RegisterService(s->service.get());
	s->server = builder.BuildAndStart();
	if (!s->server || port == 0) {
		grpc_close(s);
		return -EADDRNOTAVAIL;
	}
	snprintf(addr, ADDR_SIZE, "127.0.0.1:%d", port);
	*out = s;
	return 0;
}

static int grpc_accept(MethodSide *)
{
	return 0;	// connections are the server's threads' business
}

static int grpc_serve(MethodSide *s, MessageFn fn, void *userdata)
{
	return s->service->serve(fn, userdata);
}

static int grpc_connect(const MethodParams *p, const char *addr, MethodSide **out)
{
	MethodSide *s = new (std::nothrow) MethodSide;
	grpc::ChannelArguments args;

	if (!s)
		return -ENOMEM;
	s->size = p->size;
	args.SetMaxReceiveMessageSize(-1);
	args.SetMaxSendMessageSize(-1);
	s->channel = grpc::CreateCustomChannel(addr, grpc::InsecureChannelCredentials(), args);
	if (!s->channel->WaitForConnected(std::chrono::system_clock::now() +
					   std::chrono::seconds(CONNECT_TIMEOUT_S))) {
		grpc_close(s);
		return -ETIMEDOUT;
	}
	s->stub = ipcbench::Exchange::NewStub(s->channel);
	s->request.mutable_data()->resize(p->size);
	*out = s;
	return 0;
}

static void *grpc_buffer(MethodSide *s)
{
	return s->request.mutable_data()->data();
}

// The whole round trip: one call.
static int grpc_send(MethodSide *s)
{
	grpc::ClientContext ctx;
	grpc::Status st = s->stub->Swap(&ctx, s->request, &s->reply);

	if (!st.ok()) {
		fprintf(stderr, "ipcbench: grpc: %s\n", st.error_message().c_str());
		return -ECOMM;
	}
	return 0;
}

static int grpc_recv(MethodSide *s)
{
	return s->reply.data().size() == s->size ? 1 : -EBADMSG;
}

static const void *grpc_received(MethodSide *s)
{
	return s->reply.data().data();
}

static int grpc_finish(MethodSide *s)
{
	ipcbench::Blob empty, reply;
	grpc::ClientContext ctx;

	return s->stub->Swap(&ctx, empty, &reply).ok() ? 0 : -ECOMM;
}

extern "C" const Method method_grpc = {
	.name = "grpc",
	.how = "gRPC (Debian's libgrpc++, insecure credentials) over loopback TCP, one "
	       "unary call per exchange, the message a protobuf bytes field; size limits "
	       "raised to the maximum",
	.max_size = INT_MAX,
	.prepare = nullptr,
	.cleanup = nullptr,
	.memory_holder = nullptr,
	.listen = grpc_listen,
	.accept = grpc_accept,
	.serve = grpc_serve,
	.connect = grpc_connect,
	.buffer = grpc_buffer,
	.send = grpc_send,
	.recv = grpc_recv,
	.received = grpc_received,
	.finish = grpc_finish,
	.close = grpc_close,
};
