#include "web/tls_context.h"

#include <stdexcept>

#include <openssl/ssl.h>

namespace vigie::event_manager::web {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context> make_tls_context(const std::string& certificate_chain_file,
                                               const std::string& private_key_file) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use |
                       SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  // TLS 1.2: ECDHE with AES-GCM or ChaCha20 only (TLS 1.3 suites are all fine).
  SSL_CTX_set_cipher_list(native,
                          "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                          "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                          "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
  boost::system::error_code ec;
  context->use_certificate_chain_file(certificate_chain_file, ec);
  if (ec) {
    throw std::runtime_error("cannot use the TLS certificate chain " + certificate_chain_file + ": " + ec.message());
  }
  context->use_private_key_file(private_key_file, ssl::context::pem, ec);
  if (ec) {
    throw std::runtime_error("cannot use the TLS private key " + private_key_file + ": " + ec.message());
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    throw std::runtime_error("the TLS private key " + private_key_file + " does not belong to the certificate " +
                             certificate_chain_file);
  }
  return context;
}

}  // namespace vigie::event_manager::web
