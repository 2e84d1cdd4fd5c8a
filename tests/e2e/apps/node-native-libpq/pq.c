/* A native addon linking the system libpq: exports libpq's version number. */
#include <node_api.h>
#include <libpq-fe.h>

static napi_value version(napi_env env, napi_callback_info info) {
  napi_value result;
  napi_create_int32(env, PQlibVersion(), &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "version", NAPI_AUTO_LENGTH, version, NULL, &fn);
  napi_set_named_property(env, exports, "version", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
