from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from dangqun.accounts.services import user_for_token


class HashedTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``; the key is looked up by its hash."""

    def authenticate_credentials(self, key):
        user = user_for_token(key)
        if user is None:
            raise exceptions.AuthenticationFailed("令牌无效或已撤销")
        return (user, None)


class HashedTokenScheme(OpenApiAuthenticationExtension):
    target_class = "dangqun.api.auth.HashedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token <令牌>，用 `dangqun createtoken 用户名` 生成",
        }
