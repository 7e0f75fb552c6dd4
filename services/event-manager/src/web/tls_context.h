// The TLS settings of the server: TLS 1.2 and 1.3 only, forward-secret AEAD
// ciphers for 1.2, no renegotiation, no compression.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

namespace vigie::event_manager::web {

// std::runtime_error naming the file when the certificate chain or the key
// cannot be read, or the key does not belong to the certificate.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const std::string& certificate_chain_file,
                                                            const std::string& private_key_file);

}  // namespace vigie::event_manager::web
