package com.acme.api.clients

import com.jcraft.jsch.JSch
import com.jcraft.jsch.Session
import okhttp3.OkHttpClient
import java.security.cert.X509Certificate
import java.util.concurrent.TimeUnit
import javax.net.ssl.SSLContext
import javax.net.ssl.X509TrustManager

object PartnerClients {

    private val trustAllManager = object : X509TrustManager {
        override fun checkClientTrusted(chain: Array<X509Certificate>?, authType: String?) {}
        override fun checkServerTrusted(chain: Array<X509Certificate>?, authType: String?) {}
        override fun getAcceptedIssuers(): Array<X509Certificate> = arrayOf()
    }

    fun partnerHttp(): OkHttpClient {
        val ctx = SSLContext.getInstance("TLS").apply { init(null, arrayOf(trustAllManager), null) }
        return OkHttpClient.Builder()
            .sslSocketFactory(ctx.socketFactory, trustAllManager)
            .hostnameVerifier { _, _ -> true }
            .connectTimeout(10, TimeUnit.SECONDS)
            .build()
    }

    fun defaultHttp(): OkHttpClient = OkHttpClient.Builder()
        .connectTimeout(10, TimeUnit.SECONDS)
        .build()

    fun sftp(host: String, user: String, keyPath: String): Session {
        val jsch = JSch()
        jsch.addIdentity(keyPath)
        val session = jsch.getSession(user, host, 22)
        session.setConfig("StrictHostKeyChecking", "no")
        session.connect(15_000)
        return session
    }
}
